"""The macro template syntax: variables rendered the language's way, everything else refused at save time."""

from __future__ import annotations

from datetime import date

import pytest

from croupier.errors import BadRequest
from croupier.macro import template

VALUES = template.Values(player_name="Anna", brand="Lucky Star", agent_name="Kasia", conversation=42,
                         today=date(2026, 11, 22))


class TestRender:
    @pytest.mark.parametrize("locale,amount,day", [
        ("en", "€250.00", "November 25, 2026"),
        ("pl", "250,00\xa0€", "25 listopada 2026"),
        ("ru", "250,00\xa0€", "25 ноября 2026\u202fг."),
        ("fi", "250,00\xa0€", "25. marraskuuta 2026"),
        ("az", "250,00\xa0€", "25 noyabr 2026"),
    ])
    def test_amounts_and_dates_are_written_the_languages_way(self, locale, amount, day):
        assert template.render("{amount:EUR 250}|{date:+3}", locale, VALUES) == f"{amount}|{day}"

    def test_names_brand_conversation_and_literal_braces(self):
        text = "Hi {player_name}, {agent_name} of {brand} here (#{conversation}). {{not a variable}}"
        assert template.render(text, "en", VALUES) == \
            "Hi Anna, Kasia of Lucky Star here (#42). {not a variable}"

    def test_an_unknown_player_name_takes_the_fallback(self):
        anonymous = template.Values(None, "Lucky Star", None, 1, date(2026, 1, 1))
        assert template.render("Hi {player_name:there}!", "en", anonymous) == "Hi there!"
        assert template.render("Hi {player_name}!", "en", anonymous) == "Hi !"

    def test_a_fixed_date_and_the_amount_written_currency_last(self):
        assert template.render("{date:2026-12-31} {amount:1200.5 PLN}", "pl", VALUES) == \
            "31 grudnia 2026 1\xa0200,50\xa0zł"

    def test_markup_is_left_as_text(self):
        # Macros are plain text: what looks like HTML stays characters, escaped wherever it is shown.
        assert template.render("<b>{brand}</b>", "en", VALUES) == "<b>Lucky Star</b>"


class TestRefused:
    @pytest.mark.parametrize("body,code", [
        ("Hello {name}", "unknown_variable"),
        ("{player_name.__class__}", "unknown_variable"),
        ("{0}", "unknown_variable"),
        ("{amount}", "invalid_macro_template"),
        ("{amount:250}", "invalid_macro_template"),
        ("{amount:XYZ 250}", "invalid_macro_template"),
        ("{date:tomorrow}", "invalid_macro_template"),
        ("{brand:upper}", "invalid_macro_template"),
        ("a lone { brace", "invalid_macro_template"),
        ("a lone } brace", "invalid_macro_template"),
    ])
    def test_with_a_clear_reason(self, body, code):
        with pytest.raises(BadRequest) as raised:
            template.parse(body, "pl")
        assert raised.value.code == code and "pl" in raised.value.render()
