package render

import (
	"bytes"
	"encoding/asn1"
)

// privateKeyForm says in what form data holds a private key: "PEM" (see
// privateKeyPEM), "DER, PKCS#8", "DER, encrypted PKCS#8", "DER, PKCS#1
// or DSA", "DER, SEC 1" (privateKeyDER), "PKCS#12" (pkcs12Store, a
// .p12 or .pfx, which holds one under a password), "Java key store"
// (javaKeyStore, likewise) or "OpenPGP, binary" (pgpSecretKey); "" when
// it holds none that tidings knows. It looks at the content only, never at the name:
// a key saved as invoice.pdf is one, and a PDF, ZIP or PNG, which do not
// start with an ASN.1 SEQUENCE, is none.
func privateKeyForm(data []byte) string {
	switch {
	case privateKeyPEM(data):
		return "PEM"
	case pkcs12Store(data):
		return "PKCS#12"
	case javaKeyStore(data):
		return "Java key store"
	case pgpSecretKey(data):
		return "OpenPGP, binary"
	}
	return privateKeyDER(data)
}

// privateKeyDER is the form of a private key in DER, the whole of data
// one SEQUENCE (openssl genpkey -outform DER, openssl pkcs8 -topk8
// -outform DER): PKCS#8's PrivateKeyInfo (version 0 or 1, an algorithm,
// the key in an OCTET STRING), its EncryptedPrivateKeyInfo (a PKCS#5 or
// PKCS#12 encryption algorithm, the key in an OCTET STRING), PKCS#1's
// RSAPrivateKey and OpenSSL's DSA key (version 0, then five or more
// INTEGERs), SEC 1's ECPrivateKey (version 1, the key in an OCTET
// STRING). A certificate, a public key or a signature has none of these
// shapes. "" when data is none of them.
func privateKeyDER(data []byte) string {
	if len(data) < 2 || data[0] != 0x30 {
		return ""
	}
	var seq asn1.RawValue
	if rest, err := asn1.Unmarshal(data, &seq); err != nil || len(rest) != 0 || seq.Tag != asn1.TagSequence {
		return ""
	}
	el := derElements(seq.Bytes)
	switch {
	case len(el) >= 3 && derVersion(el[0], 0, 1) && derOIDFirst(el[1]) && derTag(el[2], asn1.TagOctetString):
		return "DER, PKCS#8"
	case len(el) == 2 && derEncryption(el[0]) && derTag(el[1], asn1.TagOctetString):
		return "DER, encrypted PKCS#8"
	case len(el) >= 6 && derVersion(el[0], 0, 1) && derAll(el, asn1.TagInteger):
		return "DER, PKCS#1 or DSA"
	case len(el) >= 2 && derVersion(el[0], 1) && derTag(el[1], asn1.TagOctetString) && derContextOnly(el[2:]):
		return "DER, SEC 1"
	}
	return ""
}

// derElements parses b, a SEQUENCE's content, into its elements; nil
// when it is not a run of whole DER values.
func derElements(b []byte) []asn1.RawValue {
	var out []asn1.RawValue
	for len(b) > 0 {
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(b, &v)
		if err != nil {
			return nil
		}
		out, b = append(out, v), rest
	}
	return out
}

// derTag reports whether v is a universal value of the tag.
func derTag(v asn1.RawValue, tag int) bool {
	return v.Class == asn1.ClassUniversal && v.Tag == tag
}

// derVersion reports whether v is an INTEGER of one of the values.
func derVersion(v asn1.RawValue, values ...byte) bool {
	return derTag(v, asn1.TagInteger) && len(v.Bytes) == 1 && bytes.IndexByte(values, v.Bytes[0]) >= 0
}

// derAll reports whether every one of el is a universal value of tag.
func derAll(el []asn1.RawValue, tag int) bool {
	for _, v := range el {
		if !derTag(v, tag) {
			return false
		}
	}
	return true
}

// derContextOnly reports whether every one of el is context-specific
// (SEC 1's optional [0] parameters and [1] public key).
func derContextOnly(el []asn1.RawValue) bool {
	for _, v := range el {
		if v.Class != asn1.ClassContextSpecific {
			return false
		}
	}
	return true
}

// derOIDFirst reports whether v is a SEQUENCE starting with an OBJECT
// IDENTIFIER (an AlgorithmIdentifier).
func derOIDFirst(v asn1.RawValue) bool {
	el := derElements(v.Bytes)
	return derTag(v, asn1.TagSequence) && len(el) > 0 && derTag(el[0], asn1.TagOID)
}

// pkcs5, pkcs12PBE are the arcs of the password-based encryption
// algorithms an EncryptedPrivateKeyInfo names (PBES2 is 1.2.840.113549.1.5.13).
var (
	pkcs5     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5}
	pkcs12PBE = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1}
)

// derEncryption reports whether v is an AlgorithmIdentifier of a
// password-based encryption (PKCS#5, PKCS#12).
func derEncryption(v asn1.RawValue) bool {
	if !derOIDFirst(v) {
		return false
	}
	var oid asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(derElements(v.Bytes)[0].FullBytes, &oid); err != nil {
		return false
	}
	return hasArc(oid, pkcs5) || hasArc(oid, pkcs12PBE)
}

// hasArc reports whether oid is below arc.
func hasArc(oid, arc asn1.ObjectIdentifier) bool {
	return len(oid) > len(arc) && oid[:len(arc)].Equal(arc)
}

// pkcs12Store reports whether data starts as PKCS#12's PFX does: a
// SEQUENCE (of any length form: Windows writes BER), version 3, then the
// authSafe, a ContentInfo of PKCS#7 data or signed data (OID
// 1.2.840.113549.1.7.1 or .2). What it holds is sealed by a password, so
// every key store is refused, also one that may hold certificates
// alone: no ordinary document starts so.
func pkcs12Store(data []byte) bool {
	rest, ok := berHeader(data, 0x30)
	if !ok || !bytes.HasPrefix(rest, []byte{0x02, 0x01, 0x03}) {
		return false
	}
	rest, ok = berHeader(rest[3:], 0x30)
	pkcs7 := []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07}
	return ok && bytes.HasPrefix(rest, pkcs7) && len(rest) > len(pkcs7) && (rest[len(pkcs7)] == 1 || rest[len(pkcs7)] == 2)
}

// berHeader skips the tag (which must be tag) and the length (short,
// long of up to four bytes, or indefinite) of the value b starts with,
// returning what follows.
func berHeader(b []byte, tag byte) ([]byte, bool) {
	if len(b) < 2 || b[0] != tag {
		return nil, false
	}
	n := int(b[1])
	switch {
	case n < 0x80 || n == 0x80:
		return b[2:], true
	case n-0x80 <= 4 && len(b) >= 2+n-0x80:
		return b[2+n-0x80:], true
	}
	return nil, false
}
