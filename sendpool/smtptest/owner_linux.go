package smtptest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// portHolder says who listens on TCP port of 127.0.0.1: no process,
// process pid, or another, by /proc (the listener's inode from net/tcp,
// then pid's descriptors).
func portHolder(pid, port int) (holder, error) {
	inode, err := listenerInode(port)
	if err != nil || inode == "" {
		return heldByNone, err
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return heldByNone, err
	}
	want := "socket:[" + inode + "]"
	for _, fd := range fds {
		if link, err := os.Readlink(filepath.Join(fmt.Sprintf("/proc/%d/fd", pid), fd.Name())); err == nil && link == want {
			return heldByPid, nil
		}
	}
	return heldByOther, nil
}

// listenerInode returns the inode of the socket listening on 127.0.0.1
// (or any address) at port, "" when there is none.
func listenerInode(port int) (string, error) {
	f, err := os.Open("/proc/net/tcp")
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
