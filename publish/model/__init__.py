"""publish.model"""
