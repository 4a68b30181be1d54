"""Click parameter types shared by the commands."""

from __future__ import annotations

import click

from redengine.dates import parse_date


class DateParam(click.ParamType):
    """YYYY-MM-DD (also / or . as separators), given back as a `datetime.date`."""

    name = "DATE"

    def convert(self, value, param, ctx):
        try:
            return parse_date(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


DATE = DateParam()
