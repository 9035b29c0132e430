package xmlstream

import "io"

// Sized reads R, counting the bytes, and fails with TooLarge once more
// than Max have been read; Err keeps R's own failure, if it failed, so a
// reader can tell a document's fault from its source's.
type Sized struct {
	R        io.Reader
	N, Max   int64
	TooLarge error
	Err      error
}

func (s *Sized) Read(p []byte) (int, error) {
	if s.N > s.Max {
		return 0, s.TooLarge
	}
	n, err := s.R.Read(p)
	s.N += int64(n)
	if err != nil && err != io.EOF {
		s.Err = err
	}
	return n, err
}
