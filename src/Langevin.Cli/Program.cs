return Langevin.Cli.CliApp.Run(args, Console.Out, Console.Error);
