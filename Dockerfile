# Pop3Webmail container image: build with the .NET SDK, run on the ASP.NET runtime as a non-root user.
#
#   docker build -t pop3webmail .
#   docker run -p 8080:8080 -e Mail__Servers__0__Name=Mail -e Mail__Servers__0__Host=pop.example.org pop3webmail
#
# Configuration is environment variables (docs/deployment.md). .ci/publish-check runs this build stage's COPY and RUN
# lines itself (Docker cannot run in CI), so keep them one instruction per line, with the output in /app.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore layer: only what restore reads, so editing a source file does not download the packages again.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Pop3Webmail.Pop3/Pop3Webmail.Pop3.csproj src/Pop3Webmail.Pop3/
COPY src/Pop3Webmail.DemoServer/Pop3Webmail.DemoServer.csproj src/Pop3Webmail.DemoServer/
COPY src/Pop3Webmail.Web/Pop3Webmail.Web.csproj src/Pop3Webmail.Web/
RUN dotnet restore src/Pop3Webmail.Web

COPY src/ src/
COPY wwwroot/ wwwroot/
RUN dotnet publish src/Pop3Webmail.Web -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# Plain HTTP on 8080 inside the container; TLS belongs to the reverse proxy in front (docs/deployment.md).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080

# The remembered mailbox state (Mail:State, SQLite by default) lives under the app user's local data folder; it is
# created here, owned by that user, and is a volume so it outlives the container (docs/mailbox-state.md). Several
# instances share PostgreSQL instead (Mail__State__Provider=PostgreSql).
RUN mkdir -p /home/app/.local/share/Pop3Webmail && chown -R $APP_UID /home/app/.local
VOLUME /home/app/.local/share/Pop3Webmail

# The unprivileged user the .NET images provide (uid 1654).
USER $APP_UID

# The image has no curl: the app probes its own /healthz (GET http://127.0.0.1:8080/healthz, exit 0 or 1).
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["dotnet", "/app/Pop3Webmail.Web.dll", "--healthcheck"]

ENTRYPOINT ["dotnet", "Pop3Webmail.Web.dll"]
