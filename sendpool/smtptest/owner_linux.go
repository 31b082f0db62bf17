package smtptest

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// procRoot is where portHolder reads /proc; a test points it elsewhere.
var procRoot = "/proc"

// portHolder says who listens on TCP port of 127.0.0.1: no process,
// process pid, or another, by /proc (the listener's inode from net/tcp,
// then pid's descriptors). A machine whose /proc cannot be read (a
// container without it) cannot tell: the port is taken for pid's, as
// outside Linux. While pid is gone (it exited: the caller learns it
// from its wait) no process holds the port for it yet.
func portHolder(pid, port int) (holder, error) {
	inode, err := listenerInode(port)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return heldByPid, nil
	}
	if err != nil || inode == "" {
		return heldByNone, err
	}
	dir := filepath.Join(procRoot, fmt.Sprint(pid), "fd")
	fds, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return heldByNone, nil
	}
	if err != nil {
		return heldByNone, err
	}
	want := "socket:[" + inode + "]"
	for _, fd := range fds {
		if link, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && link == want {
			return heldByPid, nil
		}
	}
	return heldByOther, nil
}

// listenerInode returns the inode of the socket listening on 127.0.0.1
// (or any address) at port, "" when there is none.
func listenerInode(port int) (string, error) {
	f, err := os.Open(filepath.Join(procRoot, "net", "tcp"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	suffix := fmt.Sprintf(":%04X", port)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		if len(fields) < 10 || fields[3] != "0A" || !strings.HasSuffix(fields[1], suffix) {
			continue
		}
		if ip := strings.TrimSuffix(fields[1], suffix); ip == "0100007F" || ip == "00000000" {
			return fields[9], nil
		}
	}
	return "", sc.Err()
}
