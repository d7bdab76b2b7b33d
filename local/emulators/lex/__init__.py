"""The Lex V2 runtime emulator."""
