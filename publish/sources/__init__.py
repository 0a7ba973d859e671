"""publish.sources"""
