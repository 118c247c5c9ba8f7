/** The codec of docs/protocol.md: every value tag round-trips; a stream splits into frames anywhere; malformed frames are refused. */
import { FOREIGN, FrameReader, FrameSplitter, FrameWriter, MAX_FRAME, MISSING, MSG, NOTHING, ProtocolError, Ref, TAG, type WireValue } from '../src';

const roundTrip = (v: WireValue): WireValue => {
  const frame = new FrameWriter(MSG.RESULT).value(v).finish();
  const [only] = new FrameSplitter().push(frame);
  const r = new FrameReader(only!.payload);
  const back = r.value();
  expect(r.done).toBe(true);
  return back;
};

describe('values', () => {
  it.each<[string, WireValue]>([
    ['EMPTY', undefined], ['NULL', null], ['BOOL true', true], ['BOOL false', false], ['I4', -2130705583], ['I4 max', 0x7fffffff],
    ['R8', 1.5], ['R8 beyond int32', 2 ** 40], ['R8 -0', -0], ['BSTR', 'Ann Smith'], ['BSTR empty', ''], ['BSTR wide', 'Zoë 日本 😀'],
    ['BSTR lone surrogates', '\ud800a\udc00\ud83d'], ['NOTHING', NOTHING], ['MISSING', MISSING], ['FOREIGN', FOREIGN],
    ['ARRAY', [1, 'two', [true, null], new Ref(7, 3)]], ['ARRAY empty', []],
  ])('%s round-trips', (_name, v) => {
    expect(roundTrip(v)).toEqual(v);
  });

  it('a DISPATCH keeps its handle and kind; a BOOL is a VARIANT_BOOL (-1)', () => {
    expect(roundTrip(new Ref(0xfffffffe, 256))).toEqual(new Ref(0xfffffffe, 256));
    const frame = new FrameWriter(MSG.RESULT).value(true).finish();
    expect([...frame.subarray(5)]).toEqual([TAG.BOOL, 0xff, 0xff]);
  });

  it('a string is its UTF-16 code units, little-endian, after a u32 count', () => {
    const frame = new FrameWriter(MSG.RESULT).str('A\ud800').finish();
    expect([...frame]).toEqual([9, 0, 0, 0, MSG.RESULT, 2, 0, 0, 0, 0x41, 0, 0x00, 0xd8]);
  });
});

describe('frames', () => {
  it('a stream split at every byte gives the same frames', () => {
    const a = new FrameWriter(MSG.CALL).u32(1).u32(0).i32(1282).u16(2).values([]).finish();
    const b = new FrameWriter(MSG.EVENT).u32(0).i32(1030).values([new Ref(3, 3), 2]).finish();
    const stream = Buffer.concat([a, b, a]);
    const splitter = new FrameSplitter();
    const frames = [];
    for (const byte of stream) frames.push(...splitter.push(Buffer.from([byte])));
    expect(frames.map((f) => f.type)).toEqual([MSG.CALL, MSG.EVENT, MSG.CALL]);
    expect(frames[1]!.payload).toEqual(b.subarray(5));
  });

  it('refuses a length of 0 or beyond the limit', () => {
    expect(() => new FrameSplitter().push(Buffer.from([0, 0, 0, 0]))).toThrow(ProtocolError);
    const big = Buffer.alloc(4);
    big.writeUInt32LE(MAX_FRAME + 1);
    expect(() => new FrameSplitter().push(big)).toThrow(/frame length/);
  });

  it('refuses a truncated value, an unknown tag, and an array longer than its frame', () => {
    expect(() => new FrameReader(Buffer.from([TAG.I4, 1, 2])).value()).toThrow(ProtocolError);
    expect(() => new FrameReader(Buffer.from([0x7f])).value()).toThrow(/unknown value tag 127/);
    expect(() => new FrameReader(Buffer.from([TAG.BSTR, 0xff, 0xff, 0xff, 0x7f])).value()).toThrow(ProtocolError);
    expect(() => new FrameReader(Buffer.from([TAG.ARRAY, 0xff, 0xff, 0xff, 0xff])).value()).toThrow(/an array of 4294967295 values/);
  });
});
