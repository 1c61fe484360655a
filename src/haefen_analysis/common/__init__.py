"""Small jobs every stage needs, each in one place: writing files, decoding text, German dates,
source lists."""
