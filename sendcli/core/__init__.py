"""The pure core: codes, dates and rules.

Nothing in this package opens a file, prints, or reads the clock: every
function that depends on the date takes ``today`` as an argument.
"""
