package transport

// Up reports whether server's transport is running (false for an unknown server), so
// a site fault crashes only what is up and restores only what it crashed.
func (o *Org) Up(server string) bool {
	srv, err := o.server(server)
	return err == nil && srv.up
}
