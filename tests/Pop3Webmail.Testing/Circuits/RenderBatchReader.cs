using System.Buffers.Binary;
using System.Text;

namespace Pop3Webmail.Testing.Circuits;

/// <summary>
/// Decodes Blazor's binary render batch (the <c>JS.RenderBatch</c> payload). Layout, little-endian: the last five
/// int32 are the positions of the updated-components table, the reference frames, the disposed component ids, the
/// disposed event handler ids and the string table. Tables start with an int32 count. A diff is a component id and
/// its edits (16 bytes each: type, sibling index, frame index, removed-attribute string); a frame is 20 bytes (type,
/// then type-specific fields); a string is a table entry pointing at a LEB128 byte length and UTF-8 bytes (-1: null).
/// Every position is checked, so a malformed batch is an <see cref="InvalidDataException"/>, never a wild read.
/// </summary>
public static class RenderBatchReader
{
    private const int TrailerLength = 20;
    private const int FrameLength = 20;
    private const int EditLength = 16;

    public static RenderBatch Read(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < TrailerLength)
        {
            throw new InvalidDataException($"A render batch has at least {TrailerLength} bytes; this one has {batch.Length}.");
        }

        var trailer = batch.Length - TrailerLength;
        var strings = new StringTable(batch, Int32At(batch, trailer + 16), trailer);
        var frames = ReadFrames(batch, Int32At(batch, trailer + 4), strings);

        var diffPositions = ReadTable(batch, Int32At(batch, trailer), 4);
        var diffs = new List<RenderTreeDiff>(diffPositions.Count);
        foreach (var entry in diffPositions)
        {
            diffs.Add(ReadDiff(batch, Int32At(batch, entry), strings));
        }

        var disposedComponents = new List<int>();
        foreach (var entry in ReadTable(batch, Int32At(batch, trailer + 8), 4))
        {
            disposedComponents.Add(Int32At(batch, entry));
        }

        var disposedHandlers = new List<ulong>();
        foreach (var entry in ReadTable(batch, Int32At(batch, trailer + 12), 8))
        {
            disposedHandlers.Add(BinaryPrimitives.ReadUInt64LittleEndian(Slice(batch, entry, 8)));
        }

        return new RenderBatch(diffs, frames, disposedComponents, disposedHandlers);
    }

    private static RenderTreeDiff ReadDiff(ReadOnlySpan<byte> batch, int position, in StringTable strings)
    {
        var componentId = Int32At(batch, position);
        var edits = new List<RenderTreeEdit>();
        foreach (var entry in ReadTable(batch, position + 4, EditLength))
        {
            var type = (RenderTreeEditType)Int32At(batch, entry);
            if (type is < RenderTreeEditType.PrependFrame or > RenderTreeEditType.PermutationListEnd)
            {
                throw new InvalidDataException($"Unknown render tree edit type {(int)type} at byte {entry}.");
            }

            var removedName = type == RenderTreeEditType.RemoveAttribute ? strings.Read(batch, Int32At(batch, entry + 12)) : null;
            edits.Add(new RenderTreeEdit(type, Int32At(batch, entry + 4), Int32At(batch, entry + 8), removedName));
        }

        return new RenderTreeDiff(componentId, edits);
    }

    private static List<RenderTreeFrame> ReadFrames(ReadOnlySpan<byte> batch, int position, in StringTable strings)
    {
        var entries = ReadTable(batch, position, FrameLength);
        var frames = new List<RenderTreeFrame>(entries.Count);
        foreach (var entry in entries)
        {
            var type = (RenderTreeFrameType)Int32At(batch, entry);
            var first = Int32At(batch, entry + 4);
            var second = Int32At(batch, entry + 8);
            frames.Add(type switch
            {
                RenderTreeFrameType.Element => new RenderTreeFrame(type) { SubtreeLength = first, ElementName = strings.Read(batch, second) },
                RenderTreeFrameType.Text => new RenderTreeFrame(type) { TextContent = strings.Read(batch, first) },
                RenderTreeFrameType.Attribute => new RenderTreeFrame(type)
                {
                    AttributeName = strings.Read(batch, first),
                    AttributeValue = strings.Read(batch, second),
                    AttributeEventHandlerId = BinaryPrimitives.ReadUInt64LittleEndian(Slice(batch, entry + 12, 8)),
                },
                RenderTreeFrameType.Component => new RenderTreeFrame(type) { SubtreeLength = first, ComponentId = second },
                RenderTreeFrameType.Region => new RenderTreeFrame(type) { SubtreeLength = first },
                RenderTreeFrameType.ElementReferenceCapture => new RenderTreeFrame(type) { ElementReferenceCaptureId = strings.Read(batch, first) },
                RenderTreeFrameType.Markup => new RenderTreeFrame(type) { MarkupContent = strings.Read(batch, first) ?? string.Empty },
                // Component attributes, component reference captures, render modes, named events: never inserted
                // (they sit inside a component's subtree, which the renderer skips), so their fields are not read.
                _ => new RenderTreeFrame(type),
            });
        }

        return frames;
    }

    /// <summary>The positions of the entries of the table at <paramref name="position"/> (an int32 count, then entries).</summary>
    private static List<int> ReadTable(ReadOnlySpan<byte> batch, int position, int entryLength)
    {
        var count = Int32At(batch, position);
        if (count < 0 || (long)count * entryLength > batch.Length - position - 4)
        {
            throw new InvalidDataException($"The table at byte {position} claims {count} entries of {entryLength} bytes, more than the batch holds.");
        }

        var entries = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            entries.Add(position + 4 + (i * entryLength));
        }

        return entries;
    }

    private static int Int32At(ReadOnlySpan<byte> batch, int position) => BinaryPrimitives.ReadInt32LittleEndian(Slice(batch, position, 4));

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> batch, int position, int length) =>
        position >= 0 && length >= 0 && position <= batch.Length - length
            ? batch.Slice(position, length)
            : throw new InvalidDataException($"Byte {position} (+{length}) lies outside the {batch.Length}-byte render batch.");

    /// <summary>The string table: int32 entries from its start up to the trailer, each the position of a LEB128-prefixed UTF-8 string.</summary>
    private readonly struct StringTable
    {
        private readonly int _start;
        private readonly int _count;

        public StringTable(ReadOnlySpan<byte> batch, int start, int end)
        {
            if (start < 0 || start > end || (end - start) % 4 != 0)
            {
                throw new InvalidDataException($"The string table position {start} does not fit the {batch.Length}-byte render batch.");
            }

            _start = start;
            _count = (end - start) / 4;
        }

        public string? Read(ReadOnlySpan<byte> batch, int index)
        {
            if (index == -1)
            {
                return null;
            }

            if (index < 0 || index >= _count)
            {
                throw new InvalidDataException($"String index {index} is outside the string table of {_count} entries.");
            }

            var position = Int32At(batch, _start + (index * 4));
            var length = 0;
            var shift = 0;
            byte next;
            do
            {
                next = Slice(batch, position++, 1)[0];
                length |= (next & 0x7F) << shift;
                shift += 7;
            }
            while (next >= 0x80 && shift < 35);

            return Encoding.UTF8.GetString(Slice(batch, position, length));
        }
    }
}
