"""Calculation methods: named, versioned, dated, pure.

- :mod:`.registry`: every method id with its versions (valid-from / valid-to), the standard and
  clause it follows, its template(s), normaliser and streams (decision 0043);
- :mod:`.scope1`, :mod:`.scope2`, :mod:`.scope3`, :mod:`.generic`: the template normalisers
  (typed rows → activities), per scope; :mod:`.common`: what they share;
- :mod:`.scope2_market`: the Scope 2 market-based allocation of contractual instruments.
"""
