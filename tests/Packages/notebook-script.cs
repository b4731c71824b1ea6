// Turns a Polyglot (.NET Interactive) C# notebook into a .NET file-based app, to run where the notebook kernel cannot:
// its code cells in order, `#r "nuget: Id, Version"` as `#:package Id@Version` (Langevin packages at the version given),
// `#i "nuget: …"` source lines dropped (the caller's NuGet.config names the feed), Native AOT's defaults off.
// Usage: dotnet run notebook-script.cs -- NOTEBOOK.ipynb OUT.cs LANGEVIN_VERSION
using System.Text.Json;
using System.Text.RegularExpressions;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: notebook-script NOTEBOOK.ipynb OUT.cs LANGEVIN_VERSION");
    return 2;
}
using var notebook = JsonDocument.Parse(File.ReadAllText(args[0]));
var directives = new List<string>();
var code = new List<string>();
int cells = 0;
foreach (var cell in notebook.RootElement.GetProperty("cells").EnumerateArray())
{
    if (cell.GetProperty("cell_type").GetString() != "code") continue;
    cells++;
    string source = string.Concat(cell.GetProperty("source").EnumerateArray().Select(line => line.GetString()));
    foreach (string line in source.Split('\n'))
    {
        var reference = Regex.Match(line, @"^#r\s+""nuget:\s*([^,""]+?)\s*,\s*([^""]+?)\s*""");
        if (reference.Success)
        {
            string id = reference.Groups[1].Value;
            directives.Add($"#:package {id}@{(id.StartsWith("Langevin.", StringComparison.Ordinal) ? args[2] : reference.Groups[2].Value)}");
        }
        else if (!line.StartsWith("#i ", StringComparison.Ordinal)) code.Add(line);
    }
    code.Add("");
}
if (cells == 0)
{
    Console.Error.WriteLine($"{args[0]} has no code cell");
    return 1;
}
// A file-based app defaults to Native AOT's settings, which turn reflection-based JSON off; the notebook kernel is an
// ordinary JIT process, as a project is (and the libraries read their JSON configs by reflection).
directives.Add("#:property PublishAot=false");
File.WriteAllLines(args[1], directives.Append("").Concat(code));
Console.WriteLine($"{args[0]}: {cells} code cells, {directives.Count} package references");
return 0;
