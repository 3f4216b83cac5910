package sqlite

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLite's process-wide configuration, set once before anything opens:
// the connection mutex, memory statistics and lookaside memory.
//
// The connection mutex.
//
// The driver opens every connection SQLITE_OPEN_FULLMUTEX, so SQLite takes
// the connection's recursive mutex on each call into its API: every
// sqlite3_column_* call, that is once per column of every row read. In the
// transpiled C those are emulated pthread mutexes, and taking and leaving
// them was 15 % of the CPU of the desk's ticket page at 1,000,000 tickets
// (pprof; docs/PERFORMANCE.md, "SQLite's mutexes and malloc").
//
// That mutex guards nothing here. database/sql never uses one driver
// connection from two goroutines at once, and the driver says concurrent
// use would corrupt its own per-connection state before the mutex is even
// reached (modernc.org/sqlite doc.go). The one call SQLite allows from
// another thread, sqlite3_interrupt, takes no mutex. So the connection
// mutex is made a no-op, and every other mutex SQLite allocates (the static
// ones, the page cache's, the unix VFS's per-file ones, which really are
// shared between connections) stays the default pthread one.
//
// SQLite's only other recursive mutexes are its initialization mutex, used
// and freed inside sqlite3_initialize (done here, before the no-op is
// switched on), and the RBU extension's, which ticketd does not use.

// Each connection's lookaside memory: lookasideSlots of lookasideSlot
// bytes (SQLite carves small slots of 128 bytes out of part of it too),
// 600 KB a connection.
const (
	lookasideSlot  = 1200
	lookasideSlots = 500
)

// connMutex stands for every connection's mutex: a real allocation, so
// sqlite3_open_v2 sees one, which no pthread call ever touches.
var connMutex = new([64]byte)

// connMutexOff switches the no-op on once SQLite is initialized.
var connMutexOff atomic.Bool

// defaultMutex holds SQLite's own methods, which the wrappers call for
// every mutex but the connections'.
var defaultMutex sqlite3.Sqlite3_mutex_methods

// ourMutex is what SQLite is configured with; SQLite copies it.
var ourMutex sqlite3.Sqlite3_mutex_methods

func init() {
	if err := configure(); err != nil {
		panic(err)
	}
}

func configure() error {
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.Xmalloc(tls, 16)
	if va == 0 {
		return fmt.Errorf("sqlite engine: out of memory")
	}
	defer libc.Xfree(tls, va)
	config := func(op int32, arg unsafe.Pointer) int32 {
		return sqlite3.Xsqlite3_config(tls, op, libc.VaList(va, uintptr(arg)))
	}
	// SQLite fills in its default methods when it initializes and keeps
	// them when it shuts down; it can be configured only while shut down
	// (nothing is open yet: this runs in the package's init).
	if rc := sqlite3.Xsqlite3_initialize(tls); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite engine: initialize: code %d", rc)
	}
	if rc := sqlite3.Xsqlite3_shutdown(tls); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite engine: shutdown: code %d", rc)
	}
	if rc := config(sqlite3.SQLITE_CONFIG_GETMUTEX, unsafe.Pointer(&defaultMutex)); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite engine: read the default methods: code %d", rc)
	}
	if defaultMutex.FxMutexAlloc == 0 || defaultMutex.FxMutexEnter == 0 {
		return fmt.Errorf("sqlite engine: no default methods")
	}
	ourMutex = defaultMutex
	ourMutex.FxMutexAlloc = cfunc(&struct {
		f func(*libc.TLS, int32) uintptr
	}{mutexAlloc})
	ourMutex.FxMutexFree = cfunc(&struct{ f func(*libc.TLS, uintptr) }{mutexFree})
	ourMutex.FxMutexEnter = cfunc(&struct{ f func(*libc.TLS, uintptr) }{mutexEnter})
	ourMutex.FxMutexTry = cfunc(&struct {
		f func(*libc.TLS, uintptr) int32
	}{mutexTry})
	ourMutex.FxMutexLeave = cfunc(&struct{ f func(*libc.TLS, uintptr) }{mutexLeave})
	if rc := config(sqlite3.SQLITE_CONFIG_MUTEX, unsafe.Pointer(&ourMutex)); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite engine: mutex methods: code %d", rc)
	}
	// No memory statistics: each allocation would take a global mutex to
	// count itself, and nothing reads the counts.
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_MEMSTATUS, libc.VaList(va, int32(0))); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite engine: memory statistics: code %d", rc)
	}
	// Every text column read is copied to add its terminator, through
	// the connection's lookaside memory when a slot is free and else
	// through malloc, which in the transpiled C takes the C heap's global
	// lock (7 % of the ticket page's CPU, contended). The default 40 slots
	// are held by the prepared statements each connection keeps
	// (stmtcache.go); lookasideSlots leave room for the rows.
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_LOOKASIDE, libc.VaList(va, int32(lookasideSlot), int32(lookasideSlots))); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite engine: lookaside: code %d", rc)
	}
	if rc := sqlite3.Xsqlite3_initialize(tls); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("sqlite engine: initialize again: code %d", rc)
	}
	connMutexOff.Store(true)
	return nil
}

// cfunc is the C function pointer of a Go function, the way the transpiled
// SQLite itself stores them (a pointer to a one-field struct holding the
// func value).
func cfunc[T any](fn *T) uintptr { return *(*uintptr)(unsafe.Pointer(fn)) }

// The default methods, called through their C function pointers as the
// transpiled code calls them.

func callAlloc(tls *libc.TLS, typ int32) uintptr {
	return (*(*func(*libc.TLS, int32) uintptr)(unsafe.Pointer(&struct{ uintptr }{defaultMutex.FxMutexAlloc})))(tls, typ)
}

func callVoid(fp uintptr, tls *libc.TLS, m uintptr) {
	(*(*func(*libc.TLS, uintptr))(unsafe.Pointer(&struct{ uintptr }{fp})))(tls, m)
}

func isConnMutex(m uintptr) bool { return m == uintptr(unsafe.Pointer(connMutex)) }

func mutexAlloc(tls *libc.TLS, typ int32) uintptr {
	if typ == sqlite3.SQLITE_MUTEX_RECURSIVE && connMutexOff.Load() {
		return uintptr(unsafe.Pointer(connMutex))
	}
	return callAlloc(tls, typ)
}

func mutexFree(tls *libc.TLS, m uintptr) {
	if !isConnMutex(m) {
		callVoid(defaultMutex.FxMutexFree, tls, m)
	}
}

func mutexEnter(tls *libc.TLS, m uintptr) {
	if !isConnMutex(m) {
		callVoid(defaultMutex.FxMutexEnter, tls, m)
	}
}

func mutexLeave(tls *libc.TLS, m uintptr) {
	if !isConnMutex(m) {
		callVoid(defaultMutex.FxMutexLeave, tls, m)
	}
}

func mutexTry(tls *libc.TLS, m uintptr) int32 {
	if isConnMutex(m) {
		return sqlite3.SQLITE_OK
	}
	return (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{defaultMutex.FxMutexTry})))(tls, m)
}
