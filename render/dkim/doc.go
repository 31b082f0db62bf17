// Package dkim signs rendered messages with DKIM (RFC 6376): relaxed/relaxed
// canonicalization, rsa-sha256 (RSA of 2048 bits or more, as RFC 8301 and
// the large receivers ask) or ed25519-sha256 (RFC 8463), through
// github.com/emersion/go-msgauth/dkim.
//
// A Signer is built once per campaign from its dkim: section (NewSigner),
// which holds one key or several: a message gets one DKIM-Signature per
// key, RSA ones on top, so a campaign can sign with RSA and Ed25519 side by
// side while verifiers that know only RSA remain (RFC 6376 4.1, RFC 8463).
// For each key the Signer checks what a receiver would hold against the
// signature before anything is sent: the key, the selector and domain, a
// header list that covers From and, with one-click unsubscribe, both
// List-Unsubscribe headers (RFC 8058 4), and the alignment of the signing
// domain with the From domain (DMARC, RFC 7489 3.1.1: equal or a parent, by
// organizational domain). A From that varies by row is checked per message
// (VetFrom, and again by Sign). Records gives the DNS TXT record to publish
// for each key.
//
// By default a signature covers every field tidings writes into the
// message (the campaign's headers: too), but the trace fields servers on
// the way add, and oversigns (RFC 6376 5.4.2, 8.15): h= names each field
// one more time than the message carries it, and those a message may
// carry only once (DefaultDKIMHeaders) even when it lacks them, so a
// second Subject or From added above or below the signed one breaks the
// signature. A dkim entry's own headers: list is signed as it names it.
//
// The package knows nothing of sending: render calls Sign through its
// Options, and nothing here imports sendpool.
package dkim
