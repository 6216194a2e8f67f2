namespace Pop3Webmail.Web.MailboxState;

/// <summary>One step of the schema, in the SQL of each engine. Steps run in order, each once, inside one transaction.</summary>
internal sealed record MailboxStateMigration(int Version, string Description, string Sqlite, string PostgreSql);

/// <summary>
/// The tables of the store and how they came to be. p3w_schema_version lists the applied steps; a database with a
/// version this app does not know (written by a newer release) is refused rather than guessed at.
/// </summary>
/// <remarks>
/// p3w_mailbox: one row per mailbox; tag = HMAC of server and user name (<see cref="MailboxIdentity"/>), salt and
/// iterations of the key derivation, key_check (<see cref="MailboxKeys.KeyCheck"/>), and two times in Unix
/// milliseconds: last_opened (the retention clock) and last_visit (the previous visit users see).
/// p3w_message: one row per remembered message; row_id = keyed hash of the UIDL, payload = the encrypted row.
/// The surrogate mailbox ids are never reused (AUTOINCREMENT, identity), so a session still holding the id of a
/// mailbox that was rebuilt cannot write into its successor.
/// </remarks>
internal static class MailboxStateSchema
{
    public const string VersionTable = "p3w_schema_version";

    public static IReadOnlyList<MailboxStateMigration> Migrations { get; } =
    [
        new(1, "mailboxes and their encrypted message rows",
            """
            CREATE TABLE p3w_mailbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                tag BLOB NOT NULL UNIQUE,
                salt BLOB NOT NULL,
                iterations INTEGER NOT NULL,
                key_check BLOB NOT NULL,
                last_opened INTEGER NOT NULL,
                last_visit INTEGER NULL);
            CREATE TABLE p3w_message (
                mailbox_id INTEGER NOT NULL REFERENCES p3w_mailbox (id) ON DELETE CASCADE,
                row_id BLOB NOT NULL,
                payload BLOB NOT NULL,
                PRIMARY KEY (mailbox_id, row_id)) WITHOUT ROWID;
            """,
            """
            CREATE TABLE p3w_mailbox (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                tag bytea NOT NULL UNIQUE,
                salt bytea NOT NULL,
                iterations integer NOT NULL,
                key_check bytea NOT NULL,
                last_opened bigint NOT NULL,
                last_visit bigint NULL);
            CREATE TABLE p3w_message (
                mailbox_id bigint NOT NULL REFERENCES p3w_mailbox (id) ON DELETE CASCADE,
                row_id bytea NOT NULL,
                payload bytea NOT NULL,
                PRIMARY KEY (mailbox_id, row_id));
            """),
        new(2, "an index for the retention purge, which selects mailboxes by last_opened",
            "CREATE INDEX p3w_mailbox_last_opened ON p3w_mailbox (last_opened);",
            "CREATE INDEX p3w_mailbox_last_opened ON p3w_mailbox (last_opened);"),
    ];

    public static int LatestVersion => Migrations[^1].Version;
}
