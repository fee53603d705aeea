// Small, checked ASN.1 readers and writers over node-forge's DER codec, for the PKCS#12
// structures (lib/pkcs12.ts): every reader says which field it expected when the bytes are not it.
import forge from 'node-forge';

const { asn1 } = forge;
type Node = forge.asn1.Asn1;

/** Bytes that are not the ASN.1 structure expected. */
export class MalformedAsn1 extends Error {}

/** Parses DER (or BER, as some tools write PKCS#12) bytes; all of them must be one value. */
export function decodeDer(bytes: Buffer, what: string): Node {
  try {
    return asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
  } catch (err) {
    throw new MalformedAsn1(`${what} is not valid DER: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The DER bytes of a value. */
export function encodeDer(node: Node): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

/** The children of a constructed value (none for a primitive one). */
export function children(node: Node): Node[] {
  return Array.isArray(node.value) ? node.value : [];
}

/** The value, checked to be a SEQUENCE. */
export function expectSequence(node: Node | undefined, what: string): Node {
  if (node === undefined || node.tagClass !== asn1.Class.UNIVERSAL || node.type !== asn1.Type.SEQUENCE || !Array.isArray(node.value)) {
    throw new MalformedAsn1(`${what}: expected a SEQUENCE`);
  }
  return node;
}

/** The dotted form of an OBJECT IDENTIFIER. */
export function expectOid(node: Node | undefined, what: string): string {
  if (node === undefined || node.tagClass !== asn1.Class.UNIVERSAL || node.type !== asn1.Type.OID || typeof node.value !== 'string') {
    throw new MalformedAsn1(`${what}: expected an OBJECT IDENTIFIER`);
  }
  return asn1.derToOid(node.value);
}

/** A non-negative INTEGER that fits a JavaScript number exactly. */
export function integerOf(node: Node | undefined, what: string): number {
  if (node === undefined || node.tagClass !== asn1.Class.UNIVERSAL || node.type !== asn1.Type.INTEGER || typeof node.value !== 'string') {
    throw new MalformedAsn1(`${what}: expected an INTEGER`);
  }
  const bytes = Buffer.from(node.value, 'binary');
  if (bytes.length === 0 || bytes.length > 6 || ((bytes[0] as number) & 0x80) !== 0) throw new MalformedAsn1(`${what}: INTEGER out of range`);
  return bytes.readUIntBE(0, bytes.length);
}

/**
 * The bytes of an OCTET STRING, or of a value tagged in its place (an IMPLICIT [0]); a BER
 * constructed string (chunks) is joined.
 */
export function octetsOf(node: Node | undefined, what: string): Buffer {
  if (node === undefined) throw new MalformedAsn1(`${what}: missing`);
  const tagged = node.tagClass === asn1.Class.CONTEXT_SPECIFIC;
  if (!tagged && (node.tagClass !== asn1.Class.UNIVERSAL || node.type !== asn1.Type.OCTETSTRING)) {
    throw new MalformedAsn1(`${what}: expected an OCTET STRING`);
  }
  if (typeof node.value === 'string') return Buffer.from(node.value, 'binary');
  return Buffer.concat(node.value.map((chunk) => octetsOf(chunk, what)));
}

/** The value inside an EXPLICIT [0] tag. */
export function explicitContent(node: Node | undefined, what: string): Node {
  const inner = node !== undefined && node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 0 ? children(node)[0] : undefined;
  if (inner === undefined) throw new MalformedAsn1(`${what}: expected an explicit [0] value`);
  return inner;
}

/** `SEQUENCE { items }`. */
export function sequence(...items: Node[]): Node {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

/** `SET { items }` (in the order given: the callers give one item). */
export function set(...items: Node[]): Node {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function oidNode(oid: string): Node {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes());
}

/** An OCTET STRING. */
export function octetString(bytes: Buffer): Node {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('binary'));
}

/** A small non-negative INTEGER. */
export function integer(value: number): Node {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

/** NULL (the parameters of a digest algorithm). */
export function nullNode(): Node {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '');
}

/** `[0] EXPLICIT value`. */
export function explicit(value: Node): Node {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [value]);
}

/** `[0] IMPLICIT OCTET STRING`. */
export function implicitOctets(bytes: Buffer): Node {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, bytes.toString('binary'));
}
