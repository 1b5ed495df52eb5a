"""Exports: Noark 5 arkivuttrekk (noark5, addml) over plain data (model) and safe CSV."""
