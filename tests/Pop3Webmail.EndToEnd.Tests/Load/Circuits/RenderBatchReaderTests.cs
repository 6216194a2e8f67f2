using System.Buffers.Binary;
using Pop3Webmail.Testing.Circuits;

namespace Pop3Webmail.EndToEnd.Tests.Load.Circuits;

public sealed class RenderBatchReaderTests
{
    private static readonly IReadOnlyList<byte[]> Recorded =
        [.. CircuitRecording.Load(RecordedVisit.Path).Entries.Select(entry => entry.Batch).OfType<byte[]>()];

    [Fact]
    public void EveryRecordedBatchDecodesWithItsEditsAndSubtreesInsideItsFrames()
    {
        foreach (var bytes in Recorded)
        {
            var batch = RenderBatchReader.Read(bytes);
            var frames = batch.ReferenceFrames.Count;
            foreach (var edit in batch.UpdatedComponents.SelectMany(diff => diff.Edits))
            {
                if (edit.Type is RenderTreeEditType.PrependFrame or RenderTreeEditType.SetAttribute or RenderTreeEditType.UpdateText or RenderTreeEditType.UpdateMarkup)
                {
                    Assert.InRange(edit.ReferenceFrameIndex, 0, frames - 1);
                }
            }

            for (var index = 0; index < frames; index++)
            {
                if (batch.ReferenceFrames[index].Type is RenderTreeFrameType.Element or RenderTreeFrameType.Component or RenderTreeFrameType.Region)
                {
                    Assert.InRange(index + batch.ReferenceFrames[index].SubtreeLength, index + 1, frames);
                }
            }
        }
    }

    [Fact]
    public void StringsAreReadAsUtf8WithTheirLeb128LengthsSoCyrillicSubjectsSurvive()
    {
        var russian = RecordedVisit.Messages.Single(message => message.Subject.Any(c => c > 0x400));

        var texts = Recorded.SelectMany(bytes => RenderBatchReader.Read(bytes).ReferenceFrames).Select(frame => frame.TextContent);

        Assert.Contains(russian.Subject, texts);
    }

    [Fact]
    public void EventHandlerIdsAreReadFromTheirSixtyFourBitFields()
    {
        var attributes = Recorded.SelectMany(bytes => RenderBatchReader.Read(bytes).ReferenceFrames)
            .Where(frame => frame.Type == RenderTreeFrameType.Attribute)
            .ToList();

        // Ids count up from 1 in a circuit: a misplaced read would show as huge numbers or as handlers on plain attributes.
        Assert.Contains(attributes, frame => frame.AttributeEventHandlerId != 0);
        Assert.All(attributes.Where(frame => frame.AttributeEventHandlerId != 0), frame =>
        {
            Assert.InRange(frame.AttributeEventHandlerId, 1ul, 100_000ul);
            Assert.StartsWith("on", frame.AttributeName, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void ABatchShorterThanItsTrailerIsRejected()
    {
        Assert.Throws<InvalidDataException>(() => RenderBatchReader.Read(new byte[19]));
    }

    [Fact]
    public void ATablePositionOutsideTheBatchIsRejected()
    {
        var bytes = Largest();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(bytes.Length - 20), bytes.Length + 100);

        Assert.Throws<InvalidDataException>(() => RenderBatchReader.Read(bytes));
    }

    [Fact]
    public void ATableCountingMoreEntriesThanTheBatchHoldsIsRejected()
    {
        var bytes = Largest();
        var framesTable = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - 16));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(framesTable), int.MaxValue / 20);

        Assert.Throws<InvalidDataException>(() => RenderBatchReader.Read(bytes));
    }

    [Fact]
    public void AStringIndexOutsideTheStringTableIsRejected()
    {
        var bytes = Largest();
        var framesTable = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - 16));
        var firstText = Enumerable.Range(0, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(framesTable)))
            .Select(index => framesTable + 4 + (index * 20))
            .First(position => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position)) == (int)RenderTreeFrameType.Text);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(firstText + 4), 1_000_000);

        Assert.Throws<InvalidDataException>(() => RenderBatchReader.Read(bytes));
    }

    private static byte[] Largest() => [.. Recorded.MaxBy(bytes => bytes.Length)!];
}
