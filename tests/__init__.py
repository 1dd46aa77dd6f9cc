"""newsbot tests (a package, so helpers are imported as tests.support...)."""
