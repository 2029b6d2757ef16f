package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// StorageKind is what is wrong with the disk or folder under the database.
type StorageKind int

const (
	// StorageFull: the disk is full (SQLITE_FULL, ENOSPC, and the I/O errors SQLite gives when
	// it cannot grow its shared-memory file, like "disk I/O error (4874)").
	StorageFull StorageKind = iota + 1
	// StorageReadOnly: the folder or file may not be written (SQLITE_READONLY, EACCES, EROFS).
	StorageReadOnly
	// StorageCantOpen: the database file cannot be opened or created (SQLITE_CANTOPEN, "unable
	// to open database file (14)"): a missing folder, or one the server may not write to.
	StorageCantOpen
	// StorageIO: another disk I/O error.
	StorageIO
)

// StorageError is a failure of the disk or data folder under the database, with what is wrong
// and what to do about it in words, for the log, /readyz and the host commands.
type StorageError struct {
	Kind StorageKind
	Dir  string // the data folder
	Err  error
}

func (e *StorageError) Error() string {
	return e.Problem() + ". " + e.Fix() + " (" + e.Err.Error() + ")"
}

func (e *StorageError) Unwrap() error { return e.Err }

// Problem says what is wrong.
func (e *StorageError) Problem() string {
	switch e.Kind {
	case StorageFull:
		return fmt.Sprintf("the disk holding the data folder %s is full", e.Dir)
	case StorageReadOnly:
		return fmt.Sprintf("the database in %s cannot be written: the folder or its files are read-only to this user, or the file system is mounted read-only", e.Dir)
	case StorageCantOpen:
		return fmt.Sprintf("the database in %s cannot be opened: the folder is missing or this user may not write to it", e.Dir)
	}
	return fmt.Sprintf("reading or writing the disk holding %s failed", e.Dir)
}

// Fix says what to do.
func (e *StorageError) Fix() string {
	switch e.Kind {
	case StorageFull:
		return "Free space on that disk (see df -h) or move the data folder to a bigger one; portvakt writes again as soon as there is room"
	case StorageReadOnly, StorageCantOpen:
		return "Make the user that runs portvakt the owner of the folder and its files, with write access (chown -R USER DIR; chmod u+rwx DIR; chmod u+rw DIR/*), and check that the disk is not mounted read-only"
	}
	return "Check the disk (df -h, dmesg): it may be full or failing"
}

// storageKind returns the kind of storage failure err is, or 0 when it is none.
func storageKind(err error) StorageKind {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return StorageFull
		case sqlite3.SQLITE_READONLY:
			return StorageReadOnly
		case sqlite3.SQLITE_CANTOPEN:
			return StorageCantOpen
		case sqlite3.SQLITE_IOERR:
			if c := se.Code(); c == sqlite3.SQLITE_IOERR_SHMSIZE || c == sqlite3.SQLITE_IOERR_SHMMAP {
				return StorageFull // the shared-memory file beside the database cannot grow
			}
			return StorageIO
		}
	}
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return StorageFull
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return StorageReadOnly
	case errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.ENOENT):
		return StorageCantOpen
	case errors.Is(err, syscall.EIO):
		return StorageIO
	}
	return 0
}

// ExplainStorage is explainStorage for the host commands, which create the data folder.
func ExplainStorage(err error, path string) error { return explainStorage(err, path) }

// explainStorage wraps err in a StorageError when it is a failure of the disk or folder under
// the database at path, and returns it unchanged otherwise.
func explainStorage(err error, path string) error {
	if err == nil {
		return nil
	}
	var already *StorageError
	if errors.As(err, &already) {
		return err
	}
	if k := storageKind(err); k != 0 {
		dir, _ := filepath.Abs(filepath.Dir(path))
		return &StorageError{Kind: k, Dir: dir, Err: err}
	}
	return err
}

// noteStorage records the outcome of a write for StorageFault: a storage failure is kept until a
// later write succeeds.
func (s *Store) noteStorage(err error) error {
	err = explainStorage(err, s.path)
	var se *StorageError
	switch {
	case err == nil:
		s.fault.Store(nil)
	case errors.As(err, &se):
		s.fault.Store(se)
	}
	return err
}

// StorageFault is the storage failure of the last write, or nil when it succeeded: writes fail
// while reads may still work, so a read alone cannot tell that the disk is full.
func (s *Store) StorageFault() *StorageError { return s.fault.Load() }

// IsStorage reports whether err is a failure of the disk or folder under the database.
func IsStorage(err error) bool {
	var se *StorageError
	return errors.As(err, &se)
}
