"""Reports: member duty records (履职), the meeting materials page, ``flask pdf``."""
