using System.Net;
using System.Net.Sockets;

namespace Langevin.Data.Tests;

/// <summary>
/// A tiny HTTP server on 127.0.0.1 that serves one byte array with Range support, records the Range
/// headers it was asked for, and can be told to cut the first response short.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private int _cutsLeft;

    public LoopbackServer(byte[] content, int cutFirstResponsesAfter = -1, int cuts = 0)
    {
        Content = content;
        CutAfter = cutFirstResponsesAfter;
        _cutsLeft = cuts;
        int port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/cifar-10-binary.tar.gz");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public byte[] Content { get; set; }

    public int CutAfter { get; }

    public Uri Url { get; }

    public List<string?> RangeHeaders { get; } = [];

    public int StatusOverride { get; set; }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }

            var response = context.Response;
            try
            {
                string? range = context.Request.Headers["Range"];
                lock (RangeHeaders) RangeHeaders.Add(range);
                if (StatusOverride != 0)
                {
                    response.StatusCode = StatusOverride;
                    response.Close();
                    continue;
                }

                long start = range is not null && range.StartsWith("bytes=") ? long.Parse(range[6..].TrimEnd('-')) : 0;
                if (start >= Content.Length)
                {
                    response.StatusCode = 416;
                    response.Close();
                    continue;
                }
                response.StatusCode = start > 0 ? 206 : 200;
                response.ContentLength64 = Content.Length - start;
                int length = (int)(Content.Length - start);
                if (Interlocked.Decrement(ref _cutsLeft) >= 0 && CutAfter >= 0)
                {
                    // Send part of the body, then drop the connection: a network failure mid-download.
                    await response.OutputStream.WriteAsync(Content.AsMemory((int)start, Math.Min(CutAfter, length)));
                    await response.OutputStream.FlushAsync();
                    response.Abort();
                    continue;
                }
                await response.OutputStream.WriteAsync(Content.AsMemory((int)start, length));
                response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                response.Abort();
            }
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
