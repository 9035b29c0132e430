package kinds

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Blobs keeps generated files (reports) by key for people to download.
// Dir is the in-process one, a directory; an object store is an adapter.
type Blobs interface {
	// Put stores a blob under key, its content written by fn: once Put
	// returns nil the blob is there whole, with info; on an error it is
	// not (a blob under key before stays as it was). Keys are segments
	// of letters, digits, '.', '_', '-' and '%' joined by '/', none
	// empty or starting with '.'.
	Put(ctx context.Context, key string, info BlobInfo, fn func(w io.Writer) error) error
}

// BlobInfo is what is known of a blob: the name to download it as and
// its content type, given to Put; its size and SHA-256 (hex), set by Dir.
type BlobInfo struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size,omitempty"`
	SHA256      string `json:"sha256,omitempty"`
}

// ErrBadKey: a blob key Blobs does not take.
var ErrBadKey = errors.New("kinds: bad blob key")

// Dir keeps blobs as files under a directory: the content at ROOT/KEY,
// its BlobInfo as JSON at ROOT/.info/KEY.json. Each is written to a
// temporary file beside it, synced and renamed over the old one, so a
// reader sees the old blob or the new one, whole, never a part; the
// content is renamed first, so a blob whose info is missing (a crash
// between the two) is still served, under its key's last segment. It is
// safe for concurrent use; two Puts of one key at once leave one of them.
type Dir struct {
	root string
}

var _ Blobs = (*Dir)(nil)

// NewDir returns a Dir on root, which Put creates when it is missing.
func NewDir(root string) *Dir { return &Dir{root: root} }

// Put implements Blobs.
func (d *Dir) Put(ctx context.Context, key string, info BlobInfo, fn func(w io.Writer) error) error {
	if err := checkKey(key); err != nil {
		return err
	}
	h := sha256.New()
	var size int64
	err := d.write(ctx, filepath.Join(d.root, filepath.FromSlash(key)), func(w io.Writer) error {
		c := &countingWriter{w: io.MultiWriter(w, h)}
		err := fn(c)
		size = c.n
		return err
	})
	if err != nil {
		return err
	}
	info.Size, info.SHA256 = size, hex.EncodeToString(h.Sum(nil))
	b, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("kinds: blob %q: %w", key, err)
	}
	return d.write(ctx, d.infoPath(key), func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// Open returns a blob's content and its info; a key with no blob is an
// error wrapping fs.ErrNotExist.
func (d *Dir) Open(key string) (*os.File, BlobInfo, error) {
	if err := checkKey(key); err != nil {
		return nil, BlobInfo{}, err
	}
	f, err := os.Open(filepath.Join(d.root, filepath.FromSlash(key)))
	if err != nil {
		return nil, BlobInfo{}, fmt.Errorf("kinds: blob %q: %w", key, err)
	}
	info := BlobInfo{Name: key[strings.LastIndexByte(key, '/')+1:]}
	if b, err := os.ReadFile(d.infoPath(key)); err == nil {
		if err := json.Unmarshal(b, &info); err != nil {
			f.Close()
			return nil, BlobInfo{}, fmt.Errorf("kinds: blob %q: its info: %w", key, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		f.Close()
		return nil, BlobInfo{}, fmt.Errorf("kinds: blob %q: %w", key, err)
	}
	return f, info, nil
}

func (d *Dir) infoPath(key string) string {
	return filepath.Join(d.root, ".info", filepath.FromSlash(key)+".json")
}

// write writes a file whole or not at all: to a temporary file in its
// directory, synced, then renamed over it.
func (d *Dir) write(ctx context.Context, path string, fn func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("kinds: blob: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("kinds: blob: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := fn(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("kinds: blob: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("kinds: blob: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("kinds: blob: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("kinds: blob: %w", err)
	}
	return nil
}

// checkKey refuses a key that could name a file outside the directory,
// a hidden one or a temporary one.
func checkKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrBadKey)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' {
			return fmt.Errorf("%w: %q: an empty segment or one starting with '.'", ErrBadKey, key)
		}
		for _, r := range seg {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-%", r)) {
				return fmt.Errorf("%w: %q: the character %q", ErrBadKey, key, r)
			}
		}
	}
	return nil
}
