"""The decision policy: evidence of one transaction in, ACCEPT / REFER / REJECT with every reason out."""
