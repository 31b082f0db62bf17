package render

import "bytes"

// javaKeyStore reports whether data starts as a Java key store does, as
// keytool writes one with -storetype JKS or JCEKS (a .jks, .keystore,
// .jceks; the default before Java 9, PKCS#12 since: see pkcs12Store):
// the magic number 0xFEEDFEED or 0xCECECECE, then format version 1 or 2.
// Its private keys are sealed by a password, so every store is refused,
// also one that may hold certificates alone (a truststore), as for
// PKCS#12: no ordinary document starts so.
func javaKeyStore(data []byte) bool {
	if len(data) < 8 || !bytes.HasPrefix(data, []byte{0xfe, 0xed, 0xfe, 0xed}) && !bytes.HasPrefix(data, []byte{0xce, 0xce, 0xce, 0xce}) {
		return false
	}
	return bytes.Equal(data[4:7], []byte{0, 0, 0}) && (data[7] == 1 || data[7] == 2)
}
