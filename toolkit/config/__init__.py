"""The user-owned files: b2b_project.yml, profiles.yml, and how YAML is read."""
