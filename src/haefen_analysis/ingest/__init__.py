"""From what sources and analysts write to the catalogue's forms: German dates and numbers,
Länder and member names, validation, analysts' files and official statistics."""
