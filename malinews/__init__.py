"""malinews: a scraper and monitor for the Malian press."""
