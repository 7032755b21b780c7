"""Braze's connected source: the admin's one-time setup (`b2b connect sql`) and the proof, connected as Braze, that its role has exactly what it needs (`b2b connect check`)."""
