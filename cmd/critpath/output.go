package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"

	"github.com/critpath/critpath/interchange"
	"github.com/critpath/critpath/schedule"
)

// writeFile writes p to path in the format its extension names, through
// a temporary file beside the file written, renamed into place: a
// failure, an interrupt or a termination leaves nothing half-written and
// no temporary file. An existing file keeps its mode; a path that is a
// symbolic link keeps naming the file it names, which is replaced. The
// file read, in, is never written over. It returns what the format could
// not hold.
func writeFile(in, path string, p *schedule.Project, opts *interchange.WriteOptions) ([]interchange.Warning, error) {
	if _, err := interchange.FormatOf(path); err != nil && opts.Format == "" {
		return nil, err // before a temporary file is made
	}
	target, mode, err := outputTarget(path)
	if err != nil {
		return nil, err
	}
	if a, err := os.Stat(in); err == nil {
		if b, err := os.Stat(target); err == nil && os.SameFile(a, b) {
			return nil, fmt.Errorf("%w: OUT %s is IN %s: write the converted file elsewhere", errUsage, path, in)
		}
	}
	var tmpName atomic.Value // the temporary file's name, once it has one
	defer removeOnSignal(func() {
		if name, ok := tmpName.Load().(string); ok {
			os.Remove(name)
		}
	})()
	tmp, err := createBeside(target, mode)
	if err != nil {
		return nil, err
	}
	tmpName.Store(tmp.Name())
	warnings, err := interchange.Write(path, tmp, p, opts)
	err = errors.Join(err, tmp.Chmod(mode), tmp.Close()) // the mode again: the umask may have cut it
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	return warnings, nil
}

// outputTarget is the file writing path replaces — path itself, or the
// file a symbolic link at path names — and the mode the new one gets:
// the old one's, or 0666 less the umask for a new file.
func outputTarget(path string) (string, fs.FileMode, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, 0o666, nil
	case err != nil:
		return "", 0, err
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return "", 0, fmt.Errorf("%s is a symbolic link to no file it can write: %w", path, err)
		}
		if fi, err = os.Stat(target); err != nil {
			return "", 0, err
		}
		path = target
	}
	if !fi.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a regular file", path)
	}
	return path, fi.Mode().Perm(), nil
}

// createBeside creates a new, empty, hidden file in target's directory,
// with mode (less the umask).
func createBeside(target string, mode fs.FileMode) (*os.File, error) {
	dir := filepath.Dir(target)
	for range 100 {
		name := filepath.Join(dir, ".critpath-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, mode)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("%s: no free name for a temporary file", dir)
}

// removeOnSignal calls remove if the process is interrupted or
// terminated before the returned stop is called, and then dies of the
// signal as it would have. It is called before the file to remove is
// made, so that no signal finds it unwatched.
func removeOnSignal(remove func()) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			remove()
			signal.Reset(sig)
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Signal(sig)
			}
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
