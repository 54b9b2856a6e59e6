package signaling

// SetBeforeWrite installs a hook run before each packet a subscriber's
// media writer writes (tests simulate a slow subscriber with it).
func SetBeforeWrite(s *Server, f func(participantID string)) { s.beforeWrite = f }
