//go:build !(js && wasm)

package participation

// InPlace says how many commands changed their group's table of
// contributions in place.
func InPlace(s *Store) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inPlace
}
