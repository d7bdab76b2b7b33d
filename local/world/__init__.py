"""The local world built from a cloud assembly: provisioning, function environments, state, seed data."""
