using Pop3Webmail.Web.Health;

namespace Pop3Webmail.Web.Hosting;

/// <summary>Creates the web application builder with this repository's layout in mind.</summary>
public static class WebmailHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        HealthCheckCommand.ExitIfRequested(args); // the container HEALTHCHECK probe: GET /healthz, exit 0/1
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = FindWebRoot(Directory.GetCurrentDirectory()),
        });

        // Static web assets (the top-level wwwroot/ and MudBlazor's files) are served from their source locations
        // when running from a build, whatever the environment; in published output this finds no manifest and the
        // files come from the published wwwroot/.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddPop3Webmail(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The published output has wwwroot/ beside the app; a run from source has the repository's top-level wwwroot/
    /// two levels up. Null keeps the default.
    /// </summary>
    internal static string? FindWebRoot(string contentRoot)
    {
        if (Directory.Exists(Path.Combine(contentRoot, "wwwroot")))
        {
            return null;
        }

        for (var directory = new DirectoryInfo(contentRoot); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "wwwroot");
            if (File.Exists(Path.Combine(directory.FullName, "Pop3Webmail.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
