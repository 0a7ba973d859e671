"""publish.build"""
