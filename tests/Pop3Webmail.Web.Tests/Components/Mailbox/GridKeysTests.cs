using Microsoft.AspNetCore.Components.Web;
using Pop3Webmail.Web.Components.Mailbox;

namespace Pop3Webmail.Web.Tests.Components.Mailbox;

public sealed class GridKeysTests
{
    [Theory]
    [InlineData("ArrowDown", 3, 4)]
    [InlineData("j", 3, 4)]
    [InlineData("ArrowUp", 3, 2)]
    [InlineData("k", 3, 2)]
    [InlineData("ArrowDown", -1, 0)] // nothing highlighted yet: the first row
    [InlineData("ArrowUp", -1, 0)]
    [InlineData("ArrowDown", 19, 19)] // the ends hold
    [InlineData("ArrowUp", 0, 0)]
    [InlineData("PageDown", 3, 13)]
    [InlineData("PageDown", 15, 19)]
    [InlineData("PageUp", 5, 0)]
    [InlineData("Home", 7, 0)]
    [InlineData("End", 7, 19)]
    public void MovingKeysNameTheRowToGoTo(string key, int current, int row)
    {
        Assert.Equal(new GridKey(GridAction.Move, row), GridKeys.Interpret(new KeyboardEventArgs { Key = key }, current, 20));
    }

    [Theory]
    [InlineData("Enter", nameof(GridAction.Open))]
    [InlineData(" ", nameof(GridAction.ToggleCheck))]
    [InlineData("Delete", nameof(GridAction.Delete))]
    [InlineData("u", nameof(GridAction.Undo))]
    public void ActingKeysActOnTheHighlightedRow(string key, string action)
    {
        Assert.Equal(new GridKey(Enum.Parse<GridAction>(action), 6), GridKeys.Interpret(new KeyboardEventArgs { Key = key }, 6, 20));
    }

    [Fact]
    public void EnterAndSpaceNeedAHighlightedRowEscapeNeedsNone()
    {
        Assert.Equal(default, GridKeys.Interpret(new KeyboardEventArgs { Key = "Enter" }, -1, 20));
        Assert.Equal(default, GridKeys.Interpret(new KeyboardEventArgs { Key = " " }, -1, 20));
        Assert.Equal(new GridKey(GridAction.Close), GridKeys.Interpret(new KeyboardEventArgs { Key = "Escape" }, -1, 20));
    }

    [Fact]
    public void WithAModifierOrNoRowsAKeyIsTheBrowsers()
    {
        Assert.Equal(default, GridKeys.Interpret(new KeyboardEventArgs { Key = "u", CtrlKey = true }, 2, 20));
        Assert.Equal(default, GridKeys.Interpret(new KeyboardEventArgs { Key = "ArrowDown", AltKey = true }, 2, 20));
        Assert.Equal(default, GridKeys.Interpret(new KeyboardEventArgs { Key = "j", MetaKey = true }, 2, 20));
        Assert.Equal(default, GridKeys.Interpret(new KeyboardEventArgs { Key = "ArrowDown" }, -1, 0));
        Assert.Equal(default, GridKeys.Interpret(new KeyboardEventArgs { Key = "x" }, 2, 20));
    }
}
