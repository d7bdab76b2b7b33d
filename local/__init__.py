"""The offline runtime: provisioning from synthesized templates, emulators, dev stack, CLIs."""
