using Microsoft.Extensions.Options;
using Pop3Webmail.Web.Configuration;

namespace Pop3Webmail.Web.MailboxState;

/// <summary>Rejects a <c>Mail:State</c> section that could not work, at startup rather than at the first sign-in.</summary>
internal sealed class MailboxStateOptionsValidator : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        if (!options.RememberMailbox)
        {
            return ValidateOptionsResult.Success;
        }

        var state = options.State;
        var failures = new List<string>();
        if (!Enum.IsDefined(state.Provider))
        {
            failures.Add("Mail:State:Provider must be Sqlite or PostgreSql.");
        }

        if (state.Provider == MailStateProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(state.ConnectionString))
            {
                failures.Add("Mail:State:ConnectionString is required for Mail:State:Provider PostgreSql.");
            }

            if (string.IsNullOrWhiteSpace(state.InstallationSecret))
            {
                failures.Add("Mail:State:InstallationSecret is required for Mail:State:Provider PostgreSql (the same value on every instance; e.g. `openssl rand -base64 32`).");
            }
        }

        if (!string.IsNullOrWhiteSpace(state.InstallationSecret) && !IsStrongSecret(state.InstallationSecret))
        {
            failures.Add($"Mail:State:InstallationSecret must be base64 of at least {MailboxIdentity.MinimumSecretLength} bytes (e.g. `openssl rand -base64 32`).");
        }

        if (state.RetentionDays is < 0 or > 36_500)
        {
            failures.Add("Mail:State:RetentionDays must be 0 (keep) to 36500.");
        }

        if (state.KeyDerivationIterations is < 100_000 or > 10_000_000)
        {
            failures.Add("Mail:State:KeyDerivationIterations must be 100000 to 10000000.");
        }

        if (state.Timeout <= TimeSpan.Zero || state.Timeout > TimeSpan.FromMinutes(1))
        {
            failures.Add("Mail:State:Timeout must be positive and at most one minute (sign-in waits for it).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsStrongSecret(string secret)
    {
        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret.Trim(), buffer, out var length) && length >= MailboxIdentity.MinimumSecretLength;
    }
}
