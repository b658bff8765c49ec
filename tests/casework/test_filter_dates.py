"""Dates nobody means in a list filter give a message, never a 500."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("url_name", "param"),
    [
        ("casework:case_list", "opened_from"),
        ("casework:case_list", "opened_to"),
        ("casework:contact_list", "occurred_from"),
        ("casework:contact_list", "occurred_to"),
        ("casework:referral_list", "created_from"),
        ("casework:referral_list", "created_to"),
    ],
)
@pytest.mark.parametrize("value", ["0001-01-01", "01-01-0001", "9999-12-31", "31-12-9999"])
def test_it_refuses_dates_out_of_range(world, login, url_name, param, value):
    response = login(world.alice).get(reverse(url_name), {param: value})
    assert response.status_code == 200
    assert "Kies een datum tussen 01-01-1900 en 31-12-2199." in response.content.decode()
