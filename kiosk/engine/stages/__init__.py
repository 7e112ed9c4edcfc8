"""Stage adapters: wrap the document, face and finger code so the engine sees findings, never exceptions."""
