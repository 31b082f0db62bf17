package render

import "encoding/binary"

// pgpSecretKey reports whether data starts with an OpenPGP Secret-Key
// packet (RFC 9580 5.5.1.3, tag 5), as gpg --export-secret-keys writes
// it without --armor (a secring.gpg): a packet header in the old or the
// new format whose length fits in data, then key version 3 to 6, and for
// version 4 and later, after the creation time, a public-key algorithm
// OpenPGP defines. A public key (tag 6) is none.
func pgpSecretKey(data []byte) bool {
	body, ok := pgpPacket(data, 5)
	if !ok || len(body) < 6 {
		return false
	}
	switch body[0] {
	case 3:
		return true
	case 4, 5, 6:
		switch body[5] {
		case 1, 2, 3, 16, 17, 18, 19, 22, 25, 26, 27, 28:
			return true
		}
	}
	return false
}

// pgpPacket is the body of the packet data starts with when its tag is
// tag and its length, in either header format, fits in data.
func pgpPacket(data []byte, tag byte) ([]byte, bool) {
	if len(data) < 2 || data[0]&0x80 == 0 {
		return nil, false
	}
	var n, head int
	switch b := data[0]; {
	case b&0x40 != 0: // new format
		if b&0x3f != tag {
			return nil, false
		}
		switch l := int(data[1]); {
		case l < 192:
			n, head = l, 2
		case l < 224 && len(data) >= 3:
			n, head = (l-192)<<8+int(data[2])+192, 3
		case l == 255 && len(data) >= 6:
			n, head = int(binary.BigEndian.Uint32(data[2:6])), 6
		default:
			return nil, false
		}
	case (b>>2)&0x0f != tag:
		return nil, false
	case b&3 == 0:
		n, head = int(data[1]), 2
	case b&3 == 1 && len(data) >= 3:
		n, head = int(binary.BigEndian.Uint16(data[1:3])), 3
	case b&3 == 2 && len(data) >= 5:
		n, head = int(binary.BigEndian.Uint32(data[1:5])), 5
	default:
		return nil, false
	}
	if n < 0 || n > len(data)-head {
		return nil, false
	}
	return data[head : head+n], true
}
