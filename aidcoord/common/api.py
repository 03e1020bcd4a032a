"""flask-smorest Blueprint whose JSON numbers become Decimals, never floats."""
import json
from decimal import Decimal

from flask_smorest import Blueprint as SmorestBlueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class DecimalJSONParser(FlaskParser):
    """Parse request bodies with parse_float=Decimal: 0.1 stays exactly 0.1.
    (webargs turns a JSONDecodeError raised here into its 400 'Invalid JSON body'.)"""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError(f"not UTF-8: {error.reason}", doc="", pos=error.start) from error
        return json.loads(text, parse_float=Decimal)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = DecimalJSONParser()
