"""What people do to a request: each action validates its input with the domain rules,
writes its rows and its audit event in one transaction, or raises and changes nothing.
The flows (flows/advance.py) then carry the request as far as it can go."""
