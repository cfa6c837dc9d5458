# English dates as Django writes them, with the time on the 24-hour clock as in Spanish
# ("a las 21:55"): "Dec. 6, 2026, 21:55". Django's "9:55 p.m." ended a sentence in "p.m..".
DATETIME_FORMAT = "N j, Y, H:i"
TIME_FORMAT = "H:i"
