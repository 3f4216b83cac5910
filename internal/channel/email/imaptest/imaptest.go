// Package imaptest starts a private Dovecot IMAP server for tests: a real
// server (Debian's dovecot-imapd), on a free loopback port, with its
// configuration, maildirs, sockets and log in a temporary folder, one user
// with a plaintext password, and no TLS. It runs as the current user, or
// as root with the mail owned by the dovecot user (Dovecot refuses uid 0).
package imaptest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Binary is where Debian installs Dovecot.
const Binary = "/usr/sbin/dovecot"

// SentSpecialUse is a folder the server marks \Sent although its name
// does not say so, to test the server-side check.
const SentSpecialUse = "Outgoing"

// Server is one running Dovecot.
type Server struct {
	Host     string
	Port     int
	User     string
	Password string
	// Home is the user's mail home; the maildir is Home/Maildir.
	Home string
	dir  string
	uid  int
	gid  int
	log  string
}

// Start runs Dovecot for the test with one user, stopped at cleanup. It
// skips the test only when Dovecot is not installed (CI installs it).
func Start(t testing.TB, username, password string) *Server {
	t.Helper()
	if _, err := os.Stat(Binary); err != nil {
		t.Skipf("IMAP tests skipped: %s not found (apt-get install dovecot-imapd)", Binary)
	}
	// Not t.TempDir: its parent is private to us, and as root the mail
	// processes run as another user who must reach the maildir.
	dir, err := os.MkdirTemp("", "ticketd-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &Server{Host: "127.0.0.1", User: username, Password: password, dir: dir, Home: filepath.Join(dir, "home"),
		log: filepath.Join(dir, "dovecot.log")}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	internal, login, mailUser := me.Username, me.Username, me
	if os.Geteuid() == 0 {
		internal, login = "dovecot", "dovenull"
		if mailUser, err = user.Lookup("dovecot"); err != nil {
			t.Fatalf("running as root needs the dovecot user: %v", err)
		}
	}
	s.uid, _ = strconv.Atoi(mailUser.Uid)
	s.gid, _ = strconv.Atoi(mailUser.Gid)
	if err := os.MkdirAll(s.Home, 0o755); err != nil {
		t.Fatal(err)
	}
	s.chown(t, s.Home)
	if strings.ContainsAny(password, ":\n") || strings.ContainsAny(username, ":\n") {
		t.Fatal("imaptest: user and password must not hold ':' or a line break")
	}
	passwd := filepath.Join(dir, "passwd")
	if err := os.WriteFile(passwd, []byte(username+":{PLAIN}"+password+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var lastErr error
	for range 3 { // the free port may be taken between probe and bind
		s.Port = freePort(t)
		stop, err := s.run(t, internal, login, passwd)
		if err == nil {
			t.Cleanup(stop)
			return s
		}
		lastErr = err
	}
	log, _ := os.ReadFile(s.log)
	t.Fatalf("dovecot did not start: %v\n%s", lastErr, log)
	return nil
}

// run starts Dovecot and waits until it listens; stop ends it.
func (s *Server) run(t testing.TB, internal, login, passwd string) (stop func(), err error) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	run := filepath.Join(s.dir, "run-"+hex.EncodeToString(b[:]))
	conf := fmt.Sprintf(`protocols = imap
listen = 127.0.0.1
base_dir = %[1]s
state_dir = %[2]s/state
instance_name = ticketd-test-%[3]s
log_path = %[4]s
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_fsync = never
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = %[5]s
default_login_user = %[6]s
passdb {
  driver = passwd-file
  args = scheme=PLAIN %[7]s
}
userdb {
  driver = static
  args = uid=%[8]d gid=%[9]d home=%[10]s
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \Sent
    auto = create
  }
  mailbox %[12]s {
    special_use = \Sent
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[11]d
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
`, run, s.dir, hex.EncodeToString(b[:]), s.log, internal, login, passwd, s.uid, s.gid, s.Home, s.Port, SentSpecialUse)
	path := filepath.Join(s.dir, "dovecot.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(Binary, "-F", "-c", path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("dovecot exited: %v: %s", err, out.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", s.Addr(), time.Second); err == nil {
			c.Close()
			return func() {
				// The master stops its children on SIGTERM.
				_ = cmd.Process.Signal(syscall.SIGTERM)
				select {
				case <-exited:
				case <-time.After(10 * time.Second):
					_ = cmd.Process.Kill()
					<-exited
				}
			}, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	return nil, fmt.Errorf("dovecot not listening on %s after 15s: %s", s.Addr(), out.String())
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Log is the server's log so far, for a failing test to show.
func (s *Server) Log() string { b, _ := os.ReadFile(s.log); return string(b) }

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// chown gives path to the mail user (a no-op when that is us).
func (s *Server) chown(t testing.TB, path string) {
	if os.Geteuid() != 0 {
		return
	}
	err := filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, s.uid, s.gid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Client logs in as the server's user.
func (s *Server) Client(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr(), nil)
	if err != nil {
		t.Fatalf("dial dovecot: %v", err)
	}
	if err := c.Login(s.User, s.Password).Wait(); err != nil {
		c.Close()
		t.Fatalf("login: %v\n%s", err, s.Log())
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Append delivers raw mails to folder (created when missing) by IMAP
// APPEND, as a mail server's delivery would leave them.
func (s *Server) Append(t testing.TB, folder string, raws ...[]byte) {
	t.Helper()
	c := s.Client(t)
	defer c.Logout()
	if folder != "INBOX" {
		_ = c.Create(folder, nil).Wait() // exists already: fine
	}
	for _, raw := range raws {
		raw = bytes.ReplaceAll(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))
		cmd := c.Append(folder, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("append to %s: %v", folder, err)
		}
	}
}

// Recreate deletes folder and creates it again empty: the server gives it
// a new UIDVALIDITY, as after a restore or a migration.
func (s *Server) Recreate(t testing.TB, folder string) {
	t.Helper()
	c := s.Client(t)
	defer c.Logout()
	if err := c.Delete(folder).Wait(); err != nil {
		t.Fatalf("delete %s: %v", folder, err)
	}
	if err := c.Create(folder, nil).Wait(); err != nil {
		t.Fatalf("create %s: %v", folder, err)
	}
}

// Status reads folder's UIDVALIDITY, message count and unseen count.
func (s *Server) Status(t testing.TB, folder string) *imap.StatusData {
	t.Helper()
	c := s.Client(t)
	defer c.Logout()
	st, err := c.Status(folder, &imap.StatusOptions{UIDValidity: true, NumMessages: true, NumUnseen: true}).Wait()
	if err != nil {
		t.Fatalf("status %s: %v", folder, err)
	}
	return st
}

// WriteMaildir writes raws straight into the user's INBOX maildir (new/),
// the fast way to seed thousands of mails; Dovecot numbers them when it
// next reads the folder.
func (s *Server) WriteMaildir(t testing.TB, raws func(i int) []byte, n int) {
	t.Helper()
	md := filepath.Join(s.Home, "Maildir")
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	host, _ := os.Hostname()
	now := time.Now().Unix()
	for i := range n {
		name := fmt.Sprintf("%d.M%dP%d.%s", now, i, os.Getpid(), host)
		if err := os.WriteFile(filepath.Join(md, "new", name), raws(i), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s.chown(t, md)
}
