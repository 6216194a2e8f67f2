using Pop3Webmail.Web.Hosting;

var builder = WebmailHost.CreateBuilder(args);
var app = builder.Build();
app.MapPop3Webmail();
app.Run();
