"""Text helpers shared by every stage: decoding page bytes, normalising strings, repairing mojibake, parsing date strings."""
