namespace Pop3Webmail.Testing.Circuits.Webmail;

/// <summary>
/// What one run of <see cref="WebmailScenario"/> saw, step by step, in a form two tabs (a circuit client and a real
/// browser) can be compared by: texts as <see cref="VisibleText"/> gives them, message keys as the inbox's data-key.
/// </summary>
public sealed record WebmailVisit
{
    /// <summary>How many message rows were rendered when the first ones appeared.</summary>
    public required int FirstRowCount { get; init; }

    /// <summary>Subjects of the inbox rows rendered once the mailbox was listed, top to bottom.</summary>
    public required IReadOnlyList<string> Subjects { get; init; }

    /// <summary>The data-key (the app's message key) of each of those rows.</summary>
    public required IReadOnlyList<string> Keys { get; init; }

    /// <summary>The inbox's statistics line ("N messages, size").</summary>
    public required string Statistics { get; init; }

    /// <summary>Subjects of the rows rendered once the list was scrolled to its end (the oldest message last).</summary>
    public required IReadOnlyList<string> SubjectsAtEnd { get; init; }

    /// <summary>The data-key of each of those rows: which window of the list the page asked the server for.</summary>
    public required IReadOnlyList<string> KeysAtEnd { get; init; }

    public required string OpenedKey { get; init; }

    public required string OpenedSubject { get; init; }

    public required string OpenedFrom { get; init; }

    /// <summary>The subject shown after deleting the opened message (the app moves on to the next one).</summary>
    public required string SubjectAfterDelete { get; init; }

    /// <summary>The inbox's pending-deletion notice when back at the list after the delete.</summary>
    public required string PendingNotice { get; init; }

    /// <summary>Rows still marked for deletion after undo (0 expected).</summary>
    public required int PendingRowsAfterUndo { get; init; }

    public required string SignedOutNotice { get; init; }

    public required IReadOnlyList<StepTiming> Timings { get; init; }
}

/// <summary>How long one step took, from the user's first action to the page showing its result.</summary>
public sealed record StepTiming(string Step, TimeSpan Elapsed);
