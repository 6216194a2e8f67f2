using Microsoft.AspNetCore.Components.Web;

namespace Pop3Webmail.Web.Components.Mailbox;

internal enum GridAction
{
    None,
    Move,
    Open,
    ToggleCheck,
    Delete,
    Undo,
    Close,
}

/// <summary>What a key pressed in the message grid asks for, and for which row (<see cref="Row"/>, -1 when none).</summary>
internal readonly record struct GridKey(GridAction Action, int Row = -1);

/// <summary>
/// The message grid's keys (WAI-ARIA grid pattern, plus the mail programs' j/k/u): ↑/↓ or j/k move, Page Up/Down ten
/// rows, Home/End to the ends, Enter opens, Space checks, Delete deletes, u undoes, Escape closes the open message.
/// Single-letter keys act only while the grid has the focus (WCAG 2.1.4); with Ctrl, Alt or Meta they are the
/// browser's.
/// </summary>
internal static class GridKeys
{
    public const int PageRows = 10;

    /// <summary>The action for <paramref name="e"/> with row <paramref name="current"/> (-1: none) of <paramref name="count"/> highlighted.</summary>
    public static GridKey Interpret(KeyboardEventArgs e, int current, int count)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (count == 0 || e.CtrlKey || e.AltKey || e.MetaKey)
        {
            return default;
        }

        return e.Key switch
        {
            "ArrowDown" or "j" => Move(current < 0 ? 0 : current + 1, count),
            "ArrowUp" or "k" => Move(current < 0 ? 0 : current - 1, count),
            "PageDown" => Move(Math.Max(current, 0) + PageRows, count),
            "PageUp" => Move(current - PageRows, count),
            "Home" => Move(0, count),
            "End" => Move(count - 1, count),
            "Enter" when current >= 0 => new GridKey(GridAction.Open, current),
            " " when current >= 0 => new GridKey(GridAction.ToggleCheck, current),
            "Delete" => new GridKey(GridAction.Delete, current),
            "u" => new GridKey(GridAction.Undo, current),
            "Escape" => new GridKey(GridAction.Close),
            _ => default,
        };
    }

    private static GridKey Move(int row, int count) => new(GridAction.Move, Math.Clamp(row, 0, count - 1));
}
