package mailbox

import (
	"bufio"
	"context"
	"errors"
	"net"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
)

// TestLiteralScan: the state machine finds a too-large announcement
// however the stream is split, passes over literal bytes that look like
// one, and lets large but allowed literals through.
func TestLiteralScan(t *testing.T) {
	big := strconv.Itoa(maxLiteral + 1)
	fake := "{" + big + "}\r\n" // inside a literal: data, not an announcement
	ok := "* 1 FETCH (BODY[] {" + strconv.Itoa(len(fake)) + "}\r\n" + fake + ")\r\n* 2 FETCH (BODY[] {" + strconv.Itoa(maxLiteral) + "}\r\n"
	bad := "* 3 FETCH (UID 3 BODY[]<0> {" + big + "}\r\n"
	for _, step := range []int{1, 2, 5, 17, len(ok)} {
		l := newLiteralConn(nil, nil, nil)
		for i := 0; i < len(ok); i += step {
			if j, _ := l.scan([]byte(ok[i:min(i+step, len(ok))])); j >= 0 {
				t.Fatalf("step %d: refused at %d of an allowed stream", step, i+j)
			}
		}
		l = newLiteralConn(nil, nil, nil)
		refused := -1
		for i := 0; i < len(bad) && refused < 0; i += step {
			if j, _ := l.scan([]byte(bad[i:min(i+step, len(bad))])); j >= 0 {
				refused = i + j
			}
		}
		if want := strings.Index(bad, big) + len(big) - 1; refused != want {
			t.Errorf("step %d: refused at %d, want %d (the digit over the limit)", step, refused, want)
		}
	}
}

// TestHostileLiteral: a server that answers a FETCH with a literal of
// 4,000,000,000 bytes ends the session at once, without the client
// allocating it.
func TestHostileLiteral(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("* OK [CAPABILITY IMAP4rev1 UIDPLUS] ready\r\n"))
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(line)
			tag, verb := f[0], strings.ToUpper(strings.Join(f[1:min(3, len(f))], " "))
			switch {
			case strings.HasPrefix(verb, "SELECT"):
				c.Write([]byte("* 1 EXISTS\r\n" + tag + " OK [READ-WRITE] done\r\n"))
			case strings.HasPrefix(verb, "UID FETCH") && strings.Contains(line, "BODY"):
				c.Write([]byte("* 1 FETCH (UID 1 BODY[]<0> {4000000000}\r\nxxxx"))
			case strings.HasPrefix(verb, "UID FETCH"):
				c.Write([]byte("* 1 FETCH (UID 1 RFC822.SIZE 100)\r\n" + tag + " OK done\r\n"))
			case strings.HasPrefix(verb, "UID SEARCH"):
				c.Write([]byte("* SEARCH 1\r\n" + tag + " OK done\r\n"))
			default:
				c.Write([]byte(tag + " OK done\r\n"))
			}
		}
	}()
	port := l.Addr().(*net.TCPAddr).Port
	cfg := Config{Protocol: campaign.MailboxIMAP, Host: "127.0.0.1", Port: port, Security: campaign.SecurityNone,
		Username: "u", Password: "p", Folder: "INBOX", Timeout: 5 * time.Second}
	mb, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close(context.Background())
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = mb.Fetch(context.Background(), "1", 1000)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errLiteralTooLarge) {
		t.Errorf("Fetch = %v, want the literal refused", err)
	}
	if grown := int64(after.HeapSys) - int64(before.HeapSys); grown > 100<<20 {
		t.Errorf("the heap grew by %d MB", grown>>20)
	}
}

// TestHostileEndlessLine: a server whose greeting line never ends (bytes
// without a line break, which kept the session reading into memory, 3 GB
// in 25 s, with no wait long enough for the timeout) ends the session
// once the line passes 16 MB.
func TestHostileEndlessLine(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write([]byte("* OK "))
		chunk := []byte(strings.Repeat("x", 1<<16))
		for range (maxLine >> 16) + 64 {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
		c.Read(make([]byte, 1)) // silent until the client goes
	}()
	cfg := Config{Protocol: campaign.MailboxIMAP, Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, Security: campaign.SecurityNone,
		Username: "u", Password: "p", Folder: "INBOX", Timeout: 2 * time.Second}
	mb, err := Open(context.Background(), cfg)
	if err == nil {
		mb.Close(context.Background())
	}
	if !errors.Is(err, errLineTooLong) {
		t.Errorf("Open = %v, want the line refused", err)
	}
}
